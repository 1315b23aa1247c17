#include "falcon/oauth2/http/HeaderList.h"

#include <Poco/String.h>

namespace Falcon {
namespace OAuth2 {

std::string findHeader(const HeaderList& headers, const std::string& name)
{
	for (const auto& header : headers)
	{
		if (Poco::icompare(header.first, name) == 0) return header.second;
	}
	return {};
}

}
} // namespace Falcon::OAuth2
