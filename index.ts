import { main } from "./stacks/main";

// Pulumi awaits an exported function and publishes the object it returns as the stack outputs.
export = main;
