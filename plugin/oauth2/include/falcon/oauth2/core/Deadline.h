#pragma once

#include "falcon/plugin/Cancellation.h"

#include <chrono>

namespace Falcon {
namespace OAuth2 {

using Clock = std::chrono::steady_clock;

/// The moment a call must be over by: connect, TLS, request, reply, redirects and retries alike.
using Deadline = Clock::time_point;

/// A host's request that a call end before its deadline (null where nobody can ask).
using Cancellation = Plugin::Cancellation;

/// One call's bounds as it travels through the layers: when it must be over, and who may end it
/// sooner (null where nobody can ask).
struct CallBounds
{
	Deadline deadline;
	const Cancellation* cancellation = nullptr;
};

}
} // namespace Falcon::OAuth2
