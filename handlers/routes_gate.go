package handlers

// gateRoutes declares the routes of the gate area (issue 4).
func (a *App) gateRoutes() {}
