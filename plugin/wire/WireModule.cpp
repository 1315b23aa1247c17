// The wire as a module of its own: what the plugin module loads on its first request (see
// falcon/oauth2/Wire.h and LoadedWire.cpp).

#include "falcon/oauth2/Wire.h"

extern "C" __attribute__((visibility("default"))) const Falcon::OAuth2::Wire* falcon_oauth2_wire()
{
	return &Falcon::OAuth2::wire();
}
