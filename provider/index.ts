/**
 * The multi-language package: `pulumi package add <this directory>` from a Python, Go, C# or Java project runs this
 * program as a component provider. The schema it serves is analysed from these TypeScript sources (checked in as
 * schema.json; `test/provider` fails when it or the generated args.ts is stale).
 */
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { components } from "./components";

componentProviderHost({ components, name: "ml-platform", dirname: __dirname });
