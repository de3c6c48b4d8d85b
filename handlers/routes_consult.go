package handlers

// consultRoutes declares the patient's consultations (issue 6): the start form, its
// confirmation, the list, one consultation with its thread and grant controls. Every
// route is the patient's own; another patient's consultation is 404.
func (a *App) consultRoutes() {
}
