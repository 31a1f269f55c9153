namespace Orchestrator.Adapters.SignalGateway;

/// <summary>What a line got as its immediate answer.</summary>
internal enum LineAnswer : byte
{
    Accepted = 1,
    Rejected,
    Authenticated,
}
