package handlers

// orderRoutes declares checkout, my orders, saved addresses, the disclosure log,
// the simulated payment provider's page and the providers' notification endpoint.
func (a *App) orderRoutes() {
}
