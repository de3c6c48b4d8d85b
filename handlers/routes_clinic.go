package handlers

// clinicRoutes declares the doctor's clinic (issue 6): the queue and one
// consultation with the patient's granted data. Verified doctors only (404 to
// everyone else); patient data comes only through the scoped reads of the models.
func (a *App) clinicRoutes() {
}
