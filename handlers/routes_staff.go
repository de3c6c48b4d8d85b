package handlers

// staffRoutes are the staff console: accounts, invitations, doctor verification.
func (a *App) staffRoutes() {}
