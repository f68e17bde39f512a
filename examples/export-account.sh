#!/usr/bin/env bash
# export-account.sh: everything `hipaa-iam audit --import DIR` reads, exported with the AWS CLI
# (v1 or v2), for an auditor who is handed the exports instead of access. Run it unchanged with
# the account's read-only credentials (the AWS CLI's usual profile, environment or SSO), then
# hand over the folder:
#
#   bash export-account.sh DIR [--regions us-east-1,us-west-2] [--identity-center-region eu-west-1]
#   hipaa-iam audit --import DIR
#
# (`hipaa-iam export-script` prints this file.) The permissions it needs are those of
# policies/hipaa-iam-auditor.json. Every call writes JSON (--output json) and fetches every page
# (no --max-items). A call that fails writes FILE.error with the CLI's message instead of FILE:
# the import reports that source as ERROR with AWS's reason, never as "none". The region is the
# CLI's own (AWS_REGION, AWS_DEFAULT_REGION or the profile's); Access Analyzer is read in every
# region enabled for the account unless --regions names them; IAM Identity Center in
# --identity-center-region (default: the CLI's region). AWS_ENDPOINT_URL, when set, is
# passed to every call (older CLIs ignore it in the environment).
#
# DIR must be new or empty: files of an earlier export left beside this one's would mix two
# exports. An answer the import reads as a fact (AWSOrganizationsNotInUseException: the account
# stands alone; NoSuchEntity for the password policy: none is set; ResourceNotFoundException for
# a permission set's boundary: it has none) is kept in its .error file
# like any other but is not a failure.
#
# Exit codes: 0 every call answered; 1 some calls failed (their .error files say why; the
# folder is still complete as a record); 2 usage error (a folder that is not empty, a region
# that is not a region name) or a credential report that never came.
set -u

usage() {
  echo "usage: $0 DIR [--regions REGION[,REGION...]] [--identity-center-region REGION]" >&2
  exit 2
}

out=""
regions=""
identity_center_region=""
while [ $# -gt 0 ]; do
  case "$1" in
    --regions) [ $# -ge 2 ] || usage; regions=$2; shift 2 ;;
    --regions=*) regions=${1#--regions=}; shift ;;
    --identity-center-region) [ $# -ge 2 ] || usage; identity_center_region=$2; shift 2 ;;
    --identity-center-region=*) identity_center_region=${1#--identity-center-region=}; shift ;;
    -h|--help) usage ;;
    -*) echo "export-account.sh: unknown option $1" >&2; usage ;;
    *) [ -z "$out" ] || usage; out=$1; shift ;;
  esac
done
[ -n "$out" ] || usage
if [ -e "$out" ] && { [ ! -d "$out" ] || [ -n "$(ls -A "$out" 2>/dev/null)" ]; }; then
  echo "export-account.sh: $out exists and is not an empty folder: choose a new or empty folder (an export into an old one would mix two exports)" >&2
  exit 2
fi
IFS=', ' read -r -a named_regions <<<"$regions"
for r in ${named_regions[@]+"${named_regions[@]}"}; do
  [[ $r =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] || { echo "export-account.sh: --regions: '$r' is not a region name (expected e.g. us-east-1)" >&2; exit 2; }
done
if [ -n "$identity_center_region" ] && ! [[ $identity_center_region =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]]; then
  echo "export-account.sh: --identity-center-region: '$identity_center_region' is not a region name (expected e.g. us-east-1)" >&2
  exit 2
fi
command -v aws >/dev/null 2>&1 || { echo "export-account.sh: the AWS CLI (aws) is not on PATH" >&2; exit 2; }

export AWS_PAGER=""
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region 2>/dev/null || true)}}
region=${region:-us-east-1}
# AWS CLI v1 reads only AWS_DEFAULT_REGION; calls in another region name it with --region.
export AWS_DEFAULT_REGION=$region
endpoint=()
[ -n "${AWS_ENDPOINT_URL:-}" ] && endpoint=(--endpoint-url "$AWS_ENDPOINT_URL")
mkdir -p "$out" || exit 2
failures=0
facts=()

# run FILE ARGS...: `aws ARGS... --output json` into FILE; on failure FILE.error holds the CLI's
# stderr instead (never a half-written FILE, never both).
run() {
  local file=$1
  shift
  local path="$out/$file"
  mkdir -p "$(dirname "$path")"
  rm -f "$path" "$path.error"
  if aws "$@" ${endpoint[@]+"${endpoint[@]}"} --output json >"$path.partial" 2>"$path.stderr"; then
    mv "$path.partial" "$path"
    rm -f "$path.stderr"
  else
    local rc=$?
    [ -s "$path.stderr" ] || echo "aws $1 $2 failed (exit code $rc) without a message" >"$path.stderr"
    mv "$path.stderr" "$path.error"
    rm -f "$path.partial"
    # The answers src/snapshot/import.ts reads as facts, not as failures to read.
    if [ "$file" = organizations/describe-organization.json ] && grep -q '(AWSOrganizationsNotInUseException)' "$path.error"; then
      facts+=("account is in no organization")
      return 0
    fi
    if [ "$file" = password-policy.json ] && grep -q '(NoSuchEntity)' "$path.error"; then
      facts+=("no password policy is set")
      return 0
    fi
    if [[ $file == *.get-permissions-boundary-for-permission-set.json ]] && grep -q '(ResourceNotFoundException)' "$path.error"; then
      return 0
    fi
    failures=$((failures + 1))
    echo "export-account.sh: $file: $(tr -s '\n' ' ' <"$path.error" | cut -c1-300)" >&2
  fi
}

# values KEY FILE: every string value of KEY in a JSON file the CLI wrote (one key per line).
values() {
  [ -f "$2" ] || return 0
  grep -o "\"$1\"[[:space:]]*:[[:space:]]*\"[^\"]*\"" "$2" | sed 's/.*:[[:space:]]*"\(.*\)"$/\1/'
}

echo "export-account.sh: exporting into $out (region $region)" >&2

# Credential report: generate, wait until COMPLETE (bounded), then keep the decoded CSV and the
# time AWS generated it (the import is dated by it).
state=""
for _ in $(seq 1 60); do
  if ! state=$(aws iam generate-credential-report ${endpoint[@]+"${endpoint[@]}"} --query State --output text 2>"$out/credential-report.csv.stderr"); then
    state=FAILED
    break
  fi
  [ "$state" = COMPLETE ] && break
  sleep 2
done
rm -f "$out/credential-report.csv" "$out/credential-report.csv.error" "$out/credential-report-generated-time.txt"
if [ "$state" = FAILED ]; then
  mv "$out/credential-report.csv.stderr" "$out/credential-report.csv.error"
  failures=$((failures + 1))
  echo "export-account.sh: credential-report.csv: $(tr -s '\n' ' ' <"$out/credential-report.csv.error" | cut -c1-300)" >&2
elif [ "$state" != COMPLETE ]; then
  rm -f "$out/credential-report.csv.stderr"
  echo "export-account.sh: the credential report was not ready after 2 minutes (state ${state:-unknown}); run again" >&2
  exit 2
else
  rm -f "$out/credential-report.csv.stderr"
  if aws iam get-credential-report ${endpoint[@]+"${endpoint[@]}"} --query '[GeneratedTime, Content]' --output text >"$out/credential-report.partial" 2>"$out/credential-report.csv.error"; then
    cut -f1 "$out/credential-report.partial" >"$out/credential-report-generated-time.txt"
    if cut -f2 "$out/credential-report.partial" | base64 -d >"$out/credential-report.csv.partial" 2>>"$out/credential-report.csv.error"; then
      mv "$out/credential-report.csv.partial" "$out/credential-report.csv"
      rm -f "$out/credential-report.csv.error"
    else
      rm -f "$out/credential-report.csv.partial"
      failures=$((failures + 1))
    fi
  else
    failures=$((failures + 1))
  fi
  rm -f "$out/credential-report.partial"
fi

# IAM (global).
run account-authorization-details.json iam get-account-authorization-details
run password-policy.json iam get-account-password-policy
run account-summary.json iam get-account-summary
run virtual-mfa-devices.json iam list-virtual-mfa-devices --assignment-status Any
run list-roles.json iam list-roles
run identity-providers/list-saml-providers.json iam list-saml-providers
run identity-providers/list-open-id-connect-providers.json iam list-open-id-connect-providers

# CloudTrail: the trails seen from this region (shadow trails included), then each trail's status
# and event selectors asked of its home region, named by its ARN.
run "cloudtrail/${region}/describe-trails.json" cloudtrail describe-trails --include-shadow-trails --region "$region"
for trail_arn in $(values TrailARN "$out/cloudtrail/${region}/describe-trails.json"); do
  IFS=: read -r _ _ _ home_region trail_account trail_resource <<<"$trail_arn"
  trail_name=${trail_resource#trail/}
  run "cloudtrail/${home_region}/${trail_account}/${trail_name}.get-trail-status.json" cloudtrail get-trail-status --name "$trail_arn" --region "$home_region"
  run "cloudtrail/${home_region}/${trail_account}/${trail_name}.get-event-selectors.json" cloudtrail get-event-selectors --trail-name "$trail_arn" --region "$home_region"
done

# Organizations: the organization (or AWSOrganizationsNotInUseException in its .error: the
# account stands alone), then its SCPs (a member account is usually denied them).
run organizations/describe-organization.json organizations describe-organization
if [ -f "$out/organizations/describe-organization.json" ]; then
  run organizations/list-policies.json organizations list-policies --filter SERVICE_CONTROL_POLICY
  for policy_id in $(values Id "$out/organizations/list-policies.json"); do
    run "organizations/${policy_id}.describe-policy.json" organizations describe-policy --policy-id "$policy_id"
  done
fi

# IAM Identity Center: the instances of its region, each instance's permission sets (each set's
# description, policies, boundary, accounts and the assignments in each account), its identity
# store's users, groups and each group's members, and the AWS managed policies the sets use.
# Calls grow with permission sets × accounts. Files are named by the last part of each ARN.
region=${identity_center_region:-$region}
run "identity-center/${region}/list-instances.json" sso-admin list-instances --region "$region"
ic="$out/identity-center/${region}"
# One "InstanceArn IdentityStoreId" pair per line (each instance lists both, in that order).
# (Read from a process substitution, not a pipe, so run's count of failures survives the loop.)
while read -r instance_arn identity_store_id; do
  [ -n "$instance_arn" ] || continue
  instance_id=${instance_arn##*/}
  run "identity-center/${region}/${instance_id}/list-permission-sets.json" sso-admin list-permission-sets --instance-arn "$instance_arn" --region "$region"
  for permission_set_arn in $(grep -o '"arn:[^"]*"' "$ic/${instance_id}/list-permission-sets.json" 2>/dev/null | tr -d '"'); do
    permission_set_id=${permission_set_arn##*/}
    run "identity-center/${region}/${instance_id}/${permission_set_id}.describe-permission-set.json" sso-admin describe-permission-set --instance-arn "$instance_arn" --permission-set-arn "$permission_set_arn" --region "$region"
    run "identity-center/${region}/${instance_id}/${permission_set_id}.list-managed-policies-in-permission-set.json" sso-admin list-managed-policies-in-permission-set --instance-arn "$instance_arn" --permission-set-arn "$permission_set_arn" --region "$region"
    run "identity-center/${region}/${instance_id}/${permission_set_id}.list-customer-managed-policy-references-in-permission-set.json" sso-admin list-customer-managed-policy-references-in-permission-set --instance-arn "$instance_arn" --permission-set-arn "$permission_set_arn" --region "$region"
    run "identity-center/${region}/${instance_id}/${permission_set_id}.get-inline-policy-for-permission-set.json" sso-admin get-inline-policy-for-permission-set --instance-arn "$instance_arn" --permission-set-arn "$permission_set_arn" --region "$region"
    run "identity-center/${region}/${instance_id}/${permission_set_id}.get-permissions-boundary-for-permission-set.json" sso-admin get-permissions-boundary-for-permission-set --instance-arn "$instance_arn" --permission-set-arn "$permission_set_arn" --region "$region"
    run "identity-center/${region}/${instance_id}/${permission_set_id}.list-accounts-for-provisioned-permission-set.json" sso-admin list-accounts-for-provisioned-permission-set --instance-arn "$instance_arn" --permission-set-arn "$permission_set_arn" --region "$region"
    for account_id in $(grep -o '"[0-9]\{12\}"' "$ic/${instance_id}/${permission_set_id}.list-accounts-for-provisioned-permission-set.json" 2>/dev/null | tr -d '"'); do
      run "identity-center/${region}/${instance_id}/${permission_set_id}.${account_id}.list-account-assignments.json" sso-admin list-account-assignments --instance-arn "$instance_arn" --permission-set-arn "$permission_set_arn" --account-id "$account_id" --region "$region"
    done
  done
  run "identity-center/${region}/${instance_id}/list-users.json" identitystore list-users --identity-store-id "$identity_store_id" --region "$region"
  run "identity-center/${region}/${instance_id}/list-groups.json" identitystore list-groups --identity-store-id "$identity_store_id" --region "$region"
  for group_id in $(values GroupId "$ic/${instance_id}/list-groups.json"); do
    run "identity-center/${region}/${instance_id}/${group_id}.list-group-memberships.json" identitystore list-group-memberships --identity-store-id "$identity_store_id" --group-id "$group_id" --region "$region"
  done
  # The AWS managed policies the sets attach (Arn) or use as boundary (ManagedPolicyArn).
  for policy_arn in $(cat "$ic/${instance_id}"/*.list-managed-policies-in-permission-set.json "$ic/${instance_id}"/*.get-permissions-boundary-for-permission-set.json 2>/dev/null | grep -o '"arn:[^"]*:iam::aws:policy/[^"]*"' | tr -d '"' | sort -u); do
    policy_name=${policy_arn##*/}
    [ -f "$out/identity-center/aws-managed-policies/${policy_name}.get-policy.json" ] && continue
    run "identity-center/aws-managed-policies/${policy_name}.get-policy.json" iam get-policy --policy-arn "$policy_arn"
    for version_id in $(values DefaultVersionId "$out/identity-center/aws-managed-policies/${policy_name}.get-policy.json"); do
      run "identity-center/aws-managed-policies/${policy_name}.get-policy-version.json" iam get-policy-version --policy-arn "$policy_arn" --version-id "$version_id"
    done
  done
done < <(paste -d ' ' <(values InstanceArn "$ic/list-instances.json") <(values IdentityStoreId "$ic/list-instances.json"))

# IAM Access Analyzer: every enabled region (or the ones named), its analyzers, and the ACTIVE
# findings of each analyzer (the import reads those of ACTIVE analyzers).
rm -f "$out/access-analyzer/regions.txt" "$out/access-analyzer/describe-regions.json" "$out/access-analyzer/describe-regions.json.error"
if [ -n "$regions" ]; then
  mkdir -p "$out/access-analyzer"
  echo "$regions" | tr ', ' '\n\n' | grep -v '^$' >"$out/access-analyzer/regions.txt"
  analyzer_regions=$(cat "$out/access-analyzer/regions.txt")
else
  run access-analyzer/describe-regions.json ec2 describe-regions
  analyzer_regions=$(values RegionName "$out/access-analyzer/describe-regions.json")
fi
for analyzer_region in $analyzer_regions; do
  region=$analyzer_region
  run "access-analyzer/${region}/list-analyzers.json" accessanalyzer list-analyzers --region "$region"
  for analyzer_arn in $(values arn "$out/access-analyzer/${region}/list-analyzers.json" | grep ':analyzer/'); do
    analyzer_name=${analyzer_arn##*/}
    run "access-analyzer/${region}/${analyzer_name}.list-findings-v2.json" accessanalyzer list-findings-v2 --analyzer-arn "$analyzer_arn" --filter '{"status":{"eq":["ACTIVE"]}}' --region "$region"
  done
done

noted=""
[ ${#facts[@]} -eq 0 ] || noted=" ($(IFS=';'; echo "${facts[*]}" | sed 's/;/; /g'))"
if [ "$failures" -gt 0 ]; then
  echo "export-account.sh: done${noted}, $failures call(s) failed: their .error files in $out say why (the import reports them as ERROR)" >&2
  exit 1
fi
echo "export-account.sh: done${noted}; audit with: hipaa-iam audit --import $out" >&2
