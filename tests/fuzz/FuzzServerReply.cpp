// A server's reply as it comes off the wire: the head and body as the transport reads them
// (HttpConnection, on one end of a socket pair the input is written into), then everything the client makes of it: the token body, the error
// classification on both routes, the trace ID, the API's message, the retry-after value and
// the redaction of what gets logged.
#include "falcon/oauth2/http/ApiResult.h"
#include "falcon/oauth2/http/HttpConnection.h"
#include "falcon/oauth2/http/IssuedToken.h"
#include "falcon/oauth2/core/Redactor.h"
#include "falcon/oauth2/http/ReplyClassifier.h"
#include "falcon/oauth2/http/RetryPolicy.h"

#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/StreamSocketImpl.h>

#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

using namespace Falcon::OAuth2;

namespace {

/// The reply in `bytes` as the transport reads it; false when it would report it unreadable.
bool readReply(const char* bytes, size_t size, ApiResult& result)
{
	// Whole inputs fit in the pair's buffer, so one thread writes them all before reading.
	if (size > 64 * 1024) return false;
	int pair[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) std::abort();
	for (size_t written = 0; written < size;)
	{
		const ssize_t n = write(pair[0], bytes + written, size - written);
		if (n <= 0) std::abort();
		written += static_cast<size_t>(n);
	}
	close(pair[0]);
	// The writing end is closed: every read ends at once, well inside any read timeout.
	HttpConnection connection(
		Poco::Net::StreamSocket(new Poco::Net::StreamSocketImpl(pair[1])), std::chrono::milliseconds(10000));
	try
	{
		const ResponseHead head = connection.readHead();
		result.statusCode = head.status;
		result.headers = head.headers;
		char buffer[4096];
		while (const size_t got = connection.readBody(buffer, sizeof buffer))
		{
			if (got > sizeof buffer) std::abort();
			result.body.append(buffer, got);
		}
		// A counted body comes whole or is reported cut short.
		if (head.contentLength && result.body.size() > *head.contentLength) std::abort();
		return !head.contentLength || result.body.size() == *head.contentLength;
	}
	catch (const Poco::Exception&)
	{
		return false; // the transport reports an unreadable reply as a protocol error
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	ApiResult result;
	if (!readReply(reinterpret_cast<const char*>(data), size, result)) return 0;
	if (result.statusCode >= 200 && result.statusCode < 300) result.issued = IssuedToken::fromBody(result.body);

	for (Route route : {Route::Token, Route::Revoke})
	{
		result.error = ReplyClassifier::classify(route, result);
		if (result.error && result.error->message.empty()) std::abort(); // every failure says what failed
	}
	ReplyClassifier::traceId(result);
	result.toJSON();

	const std::string retryAfter = result.header("X-Ratelimit-Retryafter");
	RetryPolicy::parseRetryAfter(retryAfter);
	const auto delay =
		RetryPolicy(3, std::chrono::milliseconds(100), std::chrono::milliseconds(5000)).delayBefore(1, retryAfter);
	if (delay.count() < 0) std::abort();

	Redactor redactor;
	redactor.addSecret("fuzz/Secret+value=1");
	if (result.issued) redactor.addToken(result.issued->accessToken);
	const std::string redacted = redactor.redact(result.body);
	if (redacted.find("fuzz/Secret+value=1") != std::string::npos) std::abort();
	return 0;
}
