import type { AuthorizationDetails, IamGroup, IamRole, IamUser } from './schema.js';

/** Roles AWS creates and manages for a service; customers cannot change their policies or boundaries. */
export function isServiceLinkedRole(role: IamRole): boolean {
  return role.path.startsWith('/aws-service-role/');
}

/** Roles IAM Identity Center creates for permission sets: people reach them through federation. */
export function isIdentityCenterRole(role: IamRole): boolean {
  return role.path.startsWith('/aws-reserved/sso.amazonaws.com/') || role.name.startsWith('AWSReservedSSO_');
}

export type Principal =
  | { kind: 'user'; resourceType: 'AWS::IAM::User'; entity: IamUser }
  | { kind: 'group'; resourceType: 'AWS::IAM::Group'; entity: IamGroup }
  | { kind: 'role'; resourceType: 'AWS::IAM::Role'; entity: IamRole };

/** Users, groups and roles in that order; service-linked roles left out (AWS owns them). */
export function customerPrincipals(details: AuthorizationDetails): Principal[] {
  return [
    ...details.users.map((entity) => ({ kind: 'user' as const, resourceType: 'AWS::IAM::User' as const, entity })),
    ...details.groups.map((entity) => ({ kind: 'group' as const, resourceType: 'AWS::IAM::Group' as const, entity })),
    ...details.roles.filter((r) => !isServiceLinkedRole(r)).map((entity) => ({ kind: 'role' as const, resourceType: 'AWS::IAM::Role' as const, entity })),
  ];
}

/** Each permissions boundary in use, by policy ARN, with the users and roles it bounds ("user alice", "role app"). */
export function boundariesInUse(details: AuthorizationDetails): Map<string, string[]> {
  const inUse = new Map<string, string[]>();
  const note = (arn: string | undefined, who: string) => {
    if (!arn) return;
    const principals = inUse.get(arn);
    if (principals) principals.push(who);
    else inUse.set(arn, [who]);
  };
  for (const u of details.users) note(u.permissionsBoundary?.arn, `user ${u.name}`);
  for (const r of details.roles) note(r.permissionsBoundary?.arn, `role ${r.name}`);
  return inUse;
}
