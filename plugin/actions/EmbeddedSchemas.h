#pragma once

#include <map>
#include <string>

namespace Falcon {
namespace Actions {

/// The files of schema/ as they were at build time, by file name ("connection.schema.json").
const std::map<std::string, std::string>& embeddedSchemas();

}
} // namespace Falcon::Actions
