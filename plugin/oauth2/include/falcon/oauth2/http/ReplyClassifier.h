#pragma once

#include "falcon/oauth2/http/ApiResult.h"
#include "falcon/oauth2/core/Error.h"
#include "falcon/oauth2/http/Route.h"

#include <optional>
#include <string>

namespace Falcon {
namespace OAuth2 {

/// Reads an API reply the way the contract defines it: which statuses are success on each
/// route, what kind of failure the rest are, the trace ID and the retry-after hint.
class ReplyClassifier
{
public:
	/// Empty for success (a 2xx with a token, `reply.issued`, on the token route; a 2xx on
	/// revoke); otherwise the error, with the API's own error message where the body carries one.
	static std::optional<Error> classify(Route route, const ApiResult& reply);

	/// `X-Cs-Traceid`, or `meta.trace_id` of a JSON body.
	static std::string traceId(const ApiResult& reply);

	/// The first `errors[].message` of a JSON body, or "".
	static std::string apiMessage(const std::string& body);
};

}
} // namespace Falcon::OAuth2
