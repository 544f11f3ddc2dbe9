import { aksCases } from "./cases/aks";
import { testCases } from "./cases/types";

testCases("aks", aksCases);
