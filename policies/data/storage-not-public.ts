import * as gcp from "@pulumi/gcp";
import * as storage from "@pulumi/azure-native/storage";
import { validateResourceOfType } from "@pulumi/policy";
import { PlatformResourcePolicy } from "../lib/policy";

const publicMembers = new Set(["allUsers", "allAuthenticatedUsers"]);

export const storageNotPublic: PlatformResourcePolicy = {
    name: "data-storage-not-public",
    description:
        "No bucket, container or storage account can be read anonymously: GCS buckets enforce public access " +
        "prevention and uniform bucket-level access and grant nothing to allUsers/allAuthenticatedUsers; storage " +
        "accounts disallow public blob access and accept only HTTPS with TLS 1.2+; containers are private.",
    remediationSteps:
        "GCS: `publicAccessPrevention: \"enforced\"`, `uniformBucketLevelAccess: true`, no IAM member allUsers or " +
        "allAuthenticatedUsers. Azure: `allowBlobPublicAccess: false`, `minimumTlsVersion: \"TLS1_2\"`, " +
        "`enableHttpsTrafficOnly` left true, and `publicAccess: \"None\"` on every BlobContainer.",
    severity: "critical",
    tags: ["data", "network"],
    validateResource: [
        validateResourceOfType(gcp.storage.Bucket, (bucket, args, report) => {
            const name = bucket.name ?? args.name;
            if (bucket.publicAccessPrevention !== "enforced") report(`Bucket ${name} does not set publicAccessPrevention: enforced.`);
            if (bucket.uniformBucketLevelAccess !== true) report(`Bucket ${name} does not set uniformBucketLevelAccess: true (object ACLs could make objects public).`);
        }),
        validateResourceOfType(gcp.storage.BucketIAMMember, (member, args, report) => {
            if (publicMembers.has(member.member)) report(`Bucket IAM member ${args.name} grants ${member.role} to ${member.member}.`);
        }),
        validateResourceOfType(gcp.storage.BucketIAMBinding, (binding, args, report) => {
            for (const m of binding.members.filter((x) => publicMembers.has(x))) report(`Bucket IAM binding ${args.name} grants ${binding.role} to ${m}.`);
        }),
        validateResourceOfType(storage.StorageAccount, (account, args, report) => {
            const name = account.accountName ?? args.name;
            if (account.allowBlobPublicAccess !== false) report(`Storage account ${name} does not set allowBlobPublicAccess: false.`);
            if (account.enableHttpsTrafficOnly === false) report(`Storage account ${name} accepts plain HTTP (enableHttpsTrafficOnly: false).`);
            const tls = account.minimumTlsVersion;
            if (tls !== "TLS1_2" && tls !== "TLS1_3") report(`Storage account ${name} accepts TLS below 1.2 (minimumTlsVersion: ${tls ?? "unset"}).`);
        }),
        validateResourceOfType(storage.BlobContainer, (container, args, report) => {
            const access = container.publicAccess;
            if (access && access !== "None") report(`Blob container ${container.containerName ?? args.name} allows anonymous ${access} access.`);
        }),
    ],
};
