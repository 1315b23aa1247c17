#pragma once

#include <chrono>

namespace Falcon {
namespace OAuth2 {

using Clock = std::chrono::steady_clock;

/// The moment a call must be over by: connect, TLS, request, reply, redirects and retries alike.
using Deadline = Clock::time_point;

} } // namespace Falcon::OAuth2
