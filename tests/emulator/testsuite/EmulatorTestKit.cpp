#include "EmulatorTestKit.h"

#include "falcon/oauth2/http/ApiResult.h"
#include "falcon/oauth2/net/BasicCredentials.h"
#include "falcon/oauth2/http/FormBody.h"
#include "falcon/oauth2/http/IssuedToken.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <sstream>

namespace Falcon {
namespace Testing {

std::string RawReply::header(const std::string& name) const
{
	return OAuth2::findHeader(headers, name);
}

bool RawReply::has(const std::string& name) const
{
	for (const auto& h : headers)
	{
		if (Poco::icompare(h.first, name) == 0) return true;
	}
	return false;
}

RawClient::RawClient(const std::string& baseUrl, const std::string& caFile, std::chrono::milliseconds timeout)
{
	const Poco::URI uri(baseUrl);
	if (uri.getScheme() == "https")
	{
		Poco::Net::Context::Params params;
		params.caLocation = caFile;
		params.loadDefaultCAs = false;
		params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
		_session = std::make_unique<Poco::Net::HTTPSClientSession>(
			uri.getHost(), uri.getPort(), new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params));
	}
	else
	{
		_session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
	}
	_session->setKeepAlive(true);
	const Poco::Timespan span(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) * 1000);
	_session->setTimeout(span, span, span);
}

RawReply RawClient::send(const std::string& method, const std::string& path, const std::string& body,
	std::vector<std::pair<std::string, std::string>> headers, const std::string& contentType)
{
	RawReply reply;
	try
	{
		if (!_session->connected()) ++_connections;
		Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
		for (const auto& header : headers) request.add(header.first, header.second);
		if (method != "GET")
		{
			request.setContentType(contentType);
			request.setContentLength(static_cast<std::streamsize>(body.size()));
		}
		_session->sendRequest(request) << body;
		Poco::Net::HTTPResponse response;
		std::istream& in = _session->receiveResponse(response);
		reply.status = static_cast<int>(response.getStatus());
		reply.reason = response.getReason();
		for (const auto& header : response) reply.headers.emplace_back(header.first, header.second);
		Poco::StreamCopier::copyToString(in, reply.body);
		if (response.hasContentLength() && static_cast<Poco::Int64>(reply.body.size()) < response.getContentLength64())
			reply.error = "truncated";
	}
	catch (const Poco::Exception& e)
	{
		reply.error = e.displayText();
		_session->reset();
	}
	return reply;
}

RawReply RawClient::token(const std::string& clientId, const std::string& secret, const std::string& memberCid)
{
	OAuth2::FormBody form;
	form.add("client_id", clientId).add("client_secret", secret);
	if (!memberCid.empty()) form.add("member_cid", memberCid);
	return send("POST", "/oauth2/token", form.str());
}

RawReply RawClient::revoke(const std::string& token, const std::string& clientId, const std::string& secret)
{
	OAuth2::FormBody form;
	form.add("token", token);
	return send(
		"POST", "/oauth2/revoke", form.str(), {{"Authorization", "basic " + basicCredentials(clientId, secret)}});
}

RawReply RawClient::probe(const std::string& token)
{
	return send("GET", "/devices/queries/devices/v1?limit=1", "", {{"Authorization", "Bearer " + token}});
}

std::string accessTokenIn(const std::string& body)
{
	const auto issued = OAuth2::IssuedToken::fromBody(body);
	return issued ? issued->accessToken : std::string();
}

}
} // namespace Falcon::Testing
