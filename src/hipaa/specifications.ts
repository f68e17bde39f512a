/**
 * The implementation specifications of the HIPAA Security Rule's administrative (164.308) and
 * technical (164.312) safeguards, with what a person must attest where no automated control
 * can judge them. (R) required, (A) addressable, as 45 CFR Part 164 marks them.
 */
export interface HipaaSpecification {
  citation: string;
  title: string;
  /** What a person attests; empty where automated controls cover the specification fully. */
  attestation: string;
}

export const HIPAA_SPECIFICATIONS: readonly HipaaSpecification[] = [
  { citation: '164.308(a)(1)(i)', title: 'Security management process (standard)', attestation: '' },
  { citation: '164.308(a)(1)(ii)(A)', title: 'Risk analysis (R)', attestation: 'A current, documented risk analysis of ePHI in this AWS account exists and was reviewed this year.' },
  { citation: '164.308(a)(1)(ii)(B)', title: 'Risk management (R)', attestation: 'Risks found (this register included) are tracked to mitigation with owners and dates.' },
  { citation: '164.308(a)(1)(ii)(C)', title: 'Sanction policy (R)', attestation: 'A sanction policy for workforce members who violate security policies is in force and applied.' },
  { citation: '164.308(a)(1)(ii)(D)', title: 'Information system activity review (R)', attestation: '' },
  { citation: '164.308(a)(2)', title: 'Assigned security responsibility (R)', attestation: 'A named security official is responsible for this account.' },
  { citation: '164.308(a)(3)(i)', title: 'Workforce security (standard)', attestation: '' },
  { citation: '164.308(a)(3)(ii)(A)', title: 'Authorization and/or supervision (A)', attestation: '' },
  { citation: '164.308(a)(3)(ii)(B)', title: 'Workforce clearance procedure (A)', attestation: 'Access is granted only after a documented clearance; managers re-approve access-review.csv monthly.' },
  { citation: '164.308(a)(3)(ii)(C)', title: 'Termination procedures (A)', attestation: 'Leavers lose AWS access on their last day (HR feed or checklist).' },
  { citation: '164.308(a)(4)(i)', title: 'Information access management (standard)', attestation: '' },
  { citation: '164.308(a)(4)(ii)(A)', title: 'Isolating health care clearinghouse functions (R)', attestation: 'Not applicable unless this organization is a clearinghouse; if it is, clearinghouse workloads run in accounts of their own.' },
  { citation: '164.308(a)(4)(ii)(B)', title: 'Access authorization (A)', attestation: '' },
  { citation: '164.308(a)(4)(ii)(C)', title: 'Access establishment and modification (A)', attestation: '' },
  { citation: '164.308(a)(5)(i)', title: 'Security awareness and training (standard)', attestation: 'Workforce members with AWS access completed security training this year.' },
  { citation: '164.308(a)(5)(ii)(A)', title: 'Security reminders (A)', attestation: 'Periodic security reminders reach everyone with AWS access.' },
  { citation: '164.308(a)(5)(ii)(B)', title: 'Protection from malicious software (A)', attestation: 'Workloads holding ePHI run malware protection (e.g. GuardDuty Malware Protection, endpoint agents).' },
  { citation: '164.308(a)(5)(ii)(C)', title: 'Log-in monitoring (A)', attestation: '' },
  { citation: '164.308(a)(5)(ii)(D)', title: 'Password management (A)', attestation: '' },
  { citation: '164.308(a)(6)(i)', title: 'Security incident procedures (standard)', attestation: 'Written incident procedures cover AWS (who is called, how evidence is kept, how AWS Support is engaged).' },
  { citation: '164.308(a)(6)(ii)', title: 'Response and reporting (R)', attestation: '' },
  { citation: '164.308(a)(7)(i)', title: 'Contingency plan (standard)', attestation: 'A contingency plan for ePHI in this account exists, with backups, disaster recovery and emergency mode operation.' },
  { citation: '164.308(a)(7)(ii)(A)', title: 'Data backup plan (R)', attestation: 'ePHI stores are backed up (AWS Backup plans or equivalent) and restores are tested.' },
  { citation: '164.308(a)(7)(ii)(B)', title: 'Disaster recovery plan (R)', attestation: 'A disaster recovery plan names the recovery region, RTO and RPO.' },
  { citation: '164.308(a)(7)(ii)(C)', title: 'Emergency mode operation plan (R)', attestation: 'Critical processes can continue in emergency mode; break-glass access is documented.' },
  { citation: '164.308(a)(7)(ii)(D)', title: 'Testing and revision procedures (A)', attestation: 'The contingency plan was tested and revised this year.' },
  { citation: '164.308(a)(7)(ii)(E)', title: 'Applications and data criticality analysis (A)', attestation: 'Applications and data holding ePHI are ranked by criticality.' },
  { citation: '164.308(a)(8)', title: 'Evaluation (R)', attestation: 'A periodic technical and non-technical evaluation of security was performed (this evidence pack is one input).' },
  { citation: '164.308(b)(1)', title: 'Business associate contracts and other arrangements (standard)', attestation: 'The AWS Business Associate Addendum is accepted for this account (AWS Artifact > Agreements).' },
  { citation: '164.308(b)(3)', title: 'Written contract or other arrangement (R)', attestation: 'The BAA with AWS, and with any other business associate touching this account, is on file.' },
  { citation: '164.312(a)(1)', title: 'Access control (standard)', attestation: '' },
  { citation: '164.312(a)(2)(i)', title: 'Unique user identification (R)', attestation: '' },
  { citation: '164.312(a)(2)(ii)', title: 'Emergency access procedure (R)', attestation: 'A break-glass procedure for emergency access to ePHI is documented, tested and its use is logged.' },
  { citation: '164.312(a)(2)(iii)', title: 'Automatic logoff (A)', attestation: '' },
  { citation: '164.312(a)(2)(iv)', title: 'Encryption and decryption (A)', attestation: '' },
  { citation: '164.312(b)', title: 'Audit controls (R)', attestation: '' },
  { citation: '164.312(c)(1)', title: 'Integrity (standard)', attestation: '' },
  { citation: '164.312(c)(2)', title: 'Mechanism to authenticate electronic protected health information (A)', attestation: '' },
  { citation: '164.312(d)', title: 'Person or entity authentication (R)', attestation: '' },
  { citation: '164.312(e)(1)', title: 'Transmission security (standard)', attestation: 'ePHI is encrypted in transit (TLS enforced on endpoints, aws:SecureTransport required on buckets).' },
  { citation: '164.312(e)(2)(i)', title: 'Integrity controls (A)', attestation: 'Transmitted ePHI is protected from undetected modification (TLS, signed requests).' },
  { citation: '164.312(e)(2)(ii)', title: 'Encryption (A)', attestation: '' },
];
