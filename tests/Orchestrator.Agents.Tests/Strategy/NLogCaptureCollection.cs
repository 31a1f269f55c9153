namespace Orchestrator.Agents.Tests.Strategy;

/// <summary>Tests that replace NLog's global configuration run alone, not beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NLogCaptureCollection
{
    public const string Name = "nlog capture";
}
