import { dataCases } from "./cases/data";
import { testCases } from "./cases/types";

testCases("data", dataCases);
