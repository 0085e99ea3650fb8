#!/usr/bin/env bash
# A scripted self-assessment with curl, exactly as API.md says: sign in through the Cognito endpoint
# named in /config.json, save answers, upload a PDF by the presigned POST, confirm it, submit.
# Usage: test/scripts/curl-session.sh [base-url]   (needs curl and jq; the demo of `npm start`)
set -euo pipefail
BASE=${1:-http://localhost:3000}
PERIOD=2026-y
UNIT=so-noi-vu-2025       # Sở Nội vụ after the 2025 reform, code S2502 (sign-ins editor.s2502, approver.s2502)

config=$(curl -sf "$BASE/config.json")
endpoint=$(jq -r .auth.endpoint <<<"$config")
client=$(jq -r .auth.clientId <<<"$config")
sign_in() {
  curl -sf "$endpoint/" -H 'Content-Type: application/x-amz-json-1.1' \
    -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' \
    -d "{\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"ClientId\":\"$client\",\"AuthParameters\":{\"USERNAME\":\"$1\",\"PASSWORD\":\"$2\"}}" |
    jq -r .AuthenticationResult.IdToken
}
EDITOR=$(sign_in editor.s2502 Demo@12345)
APPROVER=$(sign_in approver.s2502 Demo@12345)
api() { local token=$1; shift; curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }

echo "== the submission (state, version, live score)"
version=$(api "$EDITOR" "$BASE/api/periods/$PERIOD/units/$UNIT/submission" | tee /tmp/chiso-submission.json | jq -r .version)
jq '{state, version, preview: {points: .preview.points, index: .preview.index}}' /tmp/chiso-submission.json

echo "== save three answers (If-Match: the version just read)"
api "$EDITOR" -X PATCH "$BASE/api/periods/$PERIOD/units/$UNIT/answers" -H "If-Match: \"$version\"" \
  -d '{"answers": {"1.1": {"value": "head", "note": "Quyết định 12/QĐ-SNV"}, "1.2": {"value": {"numerator": 3, "denominator": 4}}, "1.6": {"value": true}}}' |
  jq '{version, points: .preview.points, "1.1": .preview.leaves["1.1"], "1.2": .preview.leaves["1.2"]}'

echo "== upload a PDF backing 1.1 and 1.2: ask, POST to storage, confirm"
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' > /tmp/chiso-evidence.pdf
size=$(stat -c %s /tmp/chiso-evidence.pdf)
api "$EDITOR" -X POST "$BASE/api/periods/$PERIOD/units/$UNIT/evidence" \
  -d "{\"indicatorCodes\": [\"1.1\", \"1.2\"], \"fileName\": \"quyet-dinh.pdf\", \"contentType\": \"application/pdf\", \"size\": $size}" > /tmp/chiso-upload.json
evidence=$(jq -r .evidence.id /tmp/chiso-upload.json)
form=(); while IFS= read -r field; do form+=(-F "$field"); done < <(jq -r '.upload.fields | to_entries[] | "\(.key)=\(.value)"' /tmp/chiso-upload.json)
curl -sf -o /dev/null -w 'storage answered %{http_code}\n' "${form[@]}" -F "file=@/tmp/chiso-evidence.pdf;type=application/pdf" "$(jq -r .upload.url /tmp/chiso-upload.json)"
api "$EDITOR" -X POST "$BASE/api/periods/$PERIOD/units/$UNIT/evidence/$evidence/confirm" | jq .evidence

echo "== the approver submits"
api "$APPROVER" -X POST "$BASE/api/periods/$PERIOD/units/$UNIT/submit" | jq '{state, version, submittedBy, points: .preview.points}'
