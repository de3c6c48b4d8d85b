package handlers

// supportRoutes declares support conversations (patient and support staff) and the
// staff's order queue and after-sale queue (support).
func (a *App) supportRoutes() {
}
