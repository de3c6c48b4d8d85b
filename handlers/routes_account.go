package handlers

// accountRoutes are the patient's account page and everyone's security settings.
func (a *App) accountRoutes() {}
