"""CityCanvas: business models for city digital services."""

__version__ = "0.1.0"
