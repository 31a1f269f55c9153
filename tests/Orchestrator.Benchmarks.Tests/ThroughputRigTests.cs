using Orchestrator.Benchmarks.Throughput;

namespace Orchestrator.Benchmarks.Tests;

/// <summary>Every implementation in every topology delivers every event, each stage's work done once.</summary>
public sealed class ThroughputRigTests
{
    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (string implementation in Implementation.All)
        {
            foreach (Topology topology in Topology.All)
            {
                cases.Add(implementation, topology.Name);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_DeliversEveryEventThroughEveryStage(string implementation, string topologyName)
    {
        Topology topology = Topology.All.Single(t => t.Name == topologyName);
        const long PerProducer = 20_000;
        using ThroughputRig rig = Implementation.Create(implementation, topology);

        long checksum = rig.Run(PerProducer * topology.Producers);

        // Each producer sends 0 .. PerProducer - 1; every stage before the last adds one.
        long expected = (topology.Producers * (PerProducer * (PerProducer - 1) / 2)) + (PerProducer * topology.Producers * (topology.Stages - 1));
        Assert.Equal(expected, checksum);
    }
}
