package handlers

// doctorRoutes are the doctor application, its status page and the clinic.
func (a *App) doctorRoutes() {}
