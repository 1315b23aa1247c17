#pragma once

#include <map>
#include <string>

namespace Falcon {
namespace Workflow {

/// schema/workflow.schema.json as it was at build time.
const std::map<std::string, std::string>& embeddedSchemas();

}
} // namespace Falcon::Workflow
