using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orchestrator.Core;
using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Control;

/// <summary>
/// The loopback HTTP surfaces' authentication (control API, MCP over HTTP): every request must
/// carry <c>Authorization: Bearer TOKEN</c>, compared as fixed-size digests in constant time
/// (<see cref="TokenDigest"/>: neither the token nor its length shows in the timing); otherwise 401 with
/// <c>WWW-Authenticate: Bearer</c> and nothing else happens. The token is never echoed.
/// </summary>
public static class BearerToken
{
    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Adds the check in front of everything <paramref name="app"/> maps; <paramref name="open"/> may exempt paths.</summary>
    public static void Require(WebApplication app, Secret token, Func<PathString, bool>? open = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(token);
        byte[] expected = TokenDigest.Of(Encoding.UTF8.GetBytes("Bearer " + token.Reveal()));
        app.Use(async (context, next) =>
        {
            if (open?.Invoke(context.Request.Path) == true)
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            if (!TokenDigest.Matches(Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString()), expected))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await context.Response.WriteAsJsonAsync(new { error = "missing or wrong bearer token" }, s_json).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
    }
}
