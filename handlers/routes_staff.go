package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
)

// staffRoutes are the staff console (accounts, invitations, capabilities, locks, MFA
// resets) and the invitee's one-time enrolment link. The doctor verification queue
// at paths.StaffDoctors is declared with the doctors' routes.
func (a *App) staffRoutes() {
	admin := Staff("admin")
	a.route(http.MethodGet, paths.Staff, AnyStaff, a.staffConsole)
	a.route(http.MethodGet, paths.StaffMembers, admin, a.staffMembers)
	a.route(http.MethodGet, paths.StaffInvite, admin, a.showStaffInvite)
	a.route(http.MethodPost, paths.StaffInvite, admin, a.staffInvite)
	a.route(http.MethodGet, paths.StaffAccounts, admin, a.showFindAccount)
	a.route(http.MethodPost, paths.StaffAccounts, admin, a.findAccount)
	a.route(http.MethodGet, paths.StaffAccounts+"/:id", admin, a.showStaffAccount)
	a.route(http.MethodPost, paths.StaffAccounts+"/:id/"+paths.StaffActCapabilities, admin, a.setCapabilities)
	a.route(http.MethodPost, paths.StaffAccounts+"/:id/"+paths.StaffActInvitation, admin, a.resendInvitation)
	a.route(http.MethodPost, paths.StaffAccounts+"/:id/"+paths.StaffActLock, admin, a.lockAccount)
	a.route(http.MethodPost, paths.StaffAccounts+"/:id/"+paths.StaffActUnlock, admin, a.unlockAccount)
	a.route(http.MethodPost, paths.StaffAccounts+"/:id/"+paths.StaffActMFAReset, admin, a.resetMFA)

	a.route(http.MethodGet, paths.Enroll+"/:token", Public, a.showEnroll)
	a.route(http.MethodPost, paths.Enroll+"/:token", Public, a.enroll)
}
