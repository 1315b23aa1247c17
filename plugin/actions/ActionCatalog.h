#pragma once

#include "falcon/plugin/Action.h"

#include <vector>

namespace Falcon {
namespace Actions {

/// The module's actions, for the C interface (the C++ one goes through the manifest).
const std::vector<const Plugin::Action*>& allActions();

/// By operation ID or alias; null if there is none.
const Plugin::Action* findAction(const std::string& name);

}
} // namespace Falcon::Actions
