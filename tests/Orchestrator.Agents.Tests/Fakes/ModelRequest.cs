namespace Orchestrator.Agents.Tests.Fakes;

/// <summary>A request <see cref="FakeModelServer"/> received.</summary>
/// <param name="Format">Which wire format it came in.</param>
/// <param name="Path">The request path (<c>/v1/chat/completions</c> or <c>/v1/messages</c>).</param>
/// <param name="Model">The <c>model</c> member of the body ("" when absent).</param>
/// <param name="MessagesText">Every text of the request, one per line, in order: the system prompt, each message's text, tool results, tool-call arguments.</param>
/// <param name="ToolNames">The names of the tools the request offered.</param>
/// <param name="Headers">The request headers, without <c>Authorization</c> and <c>x-api-key</c> (names lower case).</param>
/// <param name="Credential">The key the client sent (the bearer token or <c>x-api-key</c>); null when none. Kept apart so that tests can check it was sent, and that it is nowhere else.</param>
/// <param name="Body">The JSON body as received.</param>
public sealed record ModelRequest(
    ModelWireFormat Format,
    string Path,
    string Model,
    string MessagesText,
    IReadOnlyList<string> ToolNames,
    IReadOnlyDictionary<string, string> Headers,
    string? Credential,
    string Body);

/// <summary>The two wire formats <see cref="FakeModelServer"/> speaks.</summary>
public enum ModelWireFormat
{
    /// <summary>OpenAI chat completions (<c>POST /v1/chat/completions</c>).</summary>
    OpenAi,

    /// <summary>Anthropic Messages (<c>POST /v1/messages</c>).</summary>
    Anthropic,
}
