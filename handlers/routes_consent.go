package handlers

// consentRoutes declares the routes of the consent area (issue 4).
func (a *App) consentRoutes() {}
