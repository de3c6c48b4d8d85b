package paths

import (
	"net/url"
	"strconv"
)

// The privacy policy's public pages (issue 4). Privacy (the version in force) is in
// paths.go.
const (
	PrivacyHistory  = "/privacy/history"  // every published version with its effective date
	PrivacyVersions = "/privacy/versions" // + "/:id": one published version
	PolicyCompare   = "/privacy/compare"  // ?from=ID&to=ID: the difference between two versions
)

// PrivacyVersion is the public page of published version id.
func PrivacyVersion(id int64) string { return PrivacyVersions + "/" + strconv.FormatInt(id, 10) }

// PolicyCompareOf compares version from with version to.
func PolicyCompareOf(from, to int64) string {
	q := url.Values{"from": {strconv.FormatInt(from, 10)}, "to": {strconv.FormatInt(to, 10)}}
	return PolicyCompare + "?" + q.Encode()
}

// The privacy officers' console for policy versions.
const (
	StaffPolicy    = "/staff/policy"     // GET every version (drafts, pending, published)
	StaffPolicyNew = "/staff/policy/new" // GET the new-draft form, POST create it
)

// Actions on one version (StaffPolicyAction), each a POST.
const (
	PolicyActEdit    = "edit"    // GET the draft's form, POST save it
	PolicyActPreview = "preview" // GET the version exactly as users will see it
	PolicyActSubmit  = "submit"  // send a draft for approval
	PolicyActReturn  = "return"  // send a pending version back to draft
	PolicyActPublish = "publish" // approve (second officer) and publish
	PolicyActCopy    = "copy"    // start a new draft from this version
)

// StaffPolicyVersion is the console page of version id: its state and workflow.
func StaffPolicyVersion(id int64) string { return StaffPolicy + "/" + strconv.FormatInt(id, 10) }

// StaffPolicyAction is where action on version id is posted (or, for edit and
// preview, shown).
func StaffPolicyAction(id int64, action string) string { return StaffPolicyVersion(id) + "/" + action }
