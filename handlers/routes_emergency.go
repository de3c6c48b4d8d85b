package handlers

// emergencyRoutes declares break-glass access (issue 6): the doctor's request and
// time-boxed view, and the privacy officer's review queue.
func (a *App) emergencyRoutes() {
}
