import { gkeCases } from "./cases/gke";
import { testCases } from "./cases/types";

testCases("gke", gkeCases);
