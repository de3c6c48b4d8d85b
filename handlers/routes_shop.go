package handlers

// shopRoutes declares the catalogue (public), the cart (patient) and the staff's
// catalogue management (support).
func (a *App) shopRoutes() {
}
