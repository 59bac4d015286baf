// A setting the gateway cannot run with, found at start-up: main prints its message alone and exits.
export class ConfigurationError extends Error {}
