// A program failing with a plain Error: what the SDK's runner prints when an error is not a RunError.
export = () => {
    throw new Error("Invalid configuration (as a plain Error)");
};
