package handlers

// healthRoutes declares the routes of the health area (issue 5).
func (a *App) healthRoutes() {}
