package handlers

// policyRoutes declares the routes of the policy area (issue 4).
func (a *App) policyRoutes() {}
