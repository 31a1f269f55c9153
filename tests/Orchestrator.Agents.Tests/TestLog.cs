using NLog;
using NLog.Targets;

namespace Orchestrator.Agents.Tests;

/// <summary>A private NLog logger whose lines the test can read ("LEVEL|message").</summary>
internal sealed class TestLog
{
    private readonly MemoryTarget _target = new("memory") { Layout = "${level:uppercase=true}|${message}" };

    public TestLog()
    {
        var factory = new LogFactory();
        factory.Setup().LoadConfiguration(c => c.ForLogger().WriteTo(_target));
        Logger = factory.GetLogger("test");
    }

    public Logger Logger { get; }

    public string[] Lines => [.. _target.Logs];

    public string[] At(string level) => [.. Lines.Where(l => l.StartsWith(level + "|", StringComparison.Ordinal))];
}
