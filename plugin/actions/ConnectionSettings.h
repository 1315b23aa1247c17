#pragma once

#include "falcon/oauth2/ClientConfig.h"

#include <Poco/JSON/Object.h>

namespace Falcon {
namespace Actions {

/// Turns a connection object (schema/connection.schema.json, already checked against it) into
/// the client's configuration.
OAuth2::ClientConfig clientConfigFrom(const Poco::JSON::Object::Ptr& connection);

}
} // namespace Falcon::Actions
