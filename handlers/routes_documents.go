package handlers

// documentsRoutes declares the routes of the documents area (issue 5).
func (a *App) documentsRoutes() {}
