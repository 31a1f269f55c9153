namespace Orchestrator.Agents.Tests.Fakes;

/// <summary>A request the fake server received.</summary>
/// <param name="Body">The JSON body.</param>
/// <param name="Authorization">The Authorization header ("" when none).</param>
public sealed record RecordedRequest(string Body, string Authorization);
