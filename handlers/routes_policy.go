package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
)

// policyRoutes declares the routes of the policy area (issue 4): the public policy
// pages, and the privacy officers' console for versions (draft, preview, submit,
// approve and publish, return to draft, new version from a published one). The
// comparison page (paths.PolicyCompare) is declared with the gate's routes.
func (a *App) policyRoutes() {
	a.route(http.MethodGet, paths.Privacy, Public, a.privacy)
	a.route(http.MethodGet, paths.PrivacyHistory, Public, a.privacyHistory)
	a.route(http.MethodGet, paths.PrivacyVersions+"/:id", Public, a.privacyVersion)

	po := Staff("privacy_officer")
	a.route(http.MethodGet, paths.StaffPolicy, po, a.staffPolicyList)
	a.route(http.MethodGet, paths.StaffPolicyNew, po, a.showStaffPolicyNew)
	a.route(http.MethodPost, paths.StaffPolicyNew, po, a.staffPolicyCreate)
	a.route(http.MethodGet, paths.StaffPolicy+"/:id", po, a.staffPolicyDetail)
	a.route(http.MethodGet, paths.StaffPolicy+"/:id/"+paths.PolicyActEdit, po, a.showStaffPolicyEdit)
	a.route(http.MethodPost, paths.StaffPolicy+"/:id/"+paths.PolicyActEdit, po, a.staffPolicySave)
	a.route(http.MethodGet, paths.StaffPolicy+"/:id/"+paths.PolicyActPreview, po, a.staffPolicyPreview)
	a.route(http.MethodPost, paths.StaffPolicy+"/:id/"+paths.PolicyActSubmit, po, a.staffPolicySubmit)
	a.route(http.MethodPost, paths.StaffPolicy+"/:id/"+paths.PolicyActReturn, po, a.staffPolicyReturn)
	a.route(http.MethodPost, paths.StaffPolicy+"/:id/"+paths.PolicyActPublish, po, a.staffPolicyPublish)
	a.route(http.MethodPost, paths.StaffPolicy+"/:id/"+paths.PolicyActCopy, po, a.staffPolicyCopy)
}
