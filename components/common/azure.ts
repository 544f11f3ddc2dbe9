/** Azure helpers shared by the components that grant roles. */

/** The full role definition ID in the subscription that holds `resourceId`. */
export function azureRoleDefinitionId(resourceId: string, roleId: string): string {
    const match = /^\/subscriptions\/([^/]+)\//i.exec(resourceId);
    if (!match) throw new Error(`expected an Azure resource ID starting with /subscriptions/<id>/, got "${resourceId}"`);
    return `/subscriptions/${match[1]}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}

/** Built-in Azure role IDs the platform assigns. */
export const azureRoles = {
    /** Join and manage load balancers and their frontends in a subnet. */
    networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
} as const;
