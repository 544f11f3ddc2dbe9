import { kubernetesCases } from "./cases/kubernetes";
import { testCases } from "./cases/types";

testCases("kubernetes", kubernetesCases);
