namespace Orchestrator.Benchmarks.Throughput;

/// <summary>
/// Runs a produce callback on N threads at once: the caller is producer 0, N - 1 helper threads
/// live as long as the gang, so a measured run starts no thread and allocates nothing.
/// </summary>
internal sealed class ProducerGang : IDisposable
{
    private readonly Action<int, long> _produce;
    private readonly Barrier? _barrier;
    private readonly Thread[] _helpers;
    private long _count;
    private volatile bool _stopping;

    public ProducerGang(int producers, Action<int, long> produce)
    {
        _produce = produce;
        _helpers = new Thread[producers - 1];
        if (producers > 1)
        {
            _barrier = new Barrier(producers);
            for (int i = 0; i < _helpers.Length; i++)
            {
                int index = i + 1;
                _helpers[i] = new Thread(() => HelperLoop(index)) { IsBackground = true, Name = "bench-producer-" + index };
                _helpers[i].Start();
            }
        }
    }

    public void Run(long countPerProducer)
    {
        _count = countPerProducer; // published to helpers by the barrier's full fence
        _barrier?.SignalAndWait();
        _produce(0, countPerProducer);
        _barrier?.SignalAndWait();
    }

    private void HelperLoop(int index)
    {
        while (true)
        {
            _barrier!.SignalAndWait();
            if (_stopping)
            {
                return;
            }

            _produce(index, _count);
            _barrier.SignalAndWait();
        }
    }

    public void Dispose()
    {
        if (_barrier is null)
        {
            return;
        }

        _stopping = true;
        _barrier.SignalAndWait();
        foreach (Thread helper in _helpers)
        {
            helper.Join();
        }

        _barrier.Dispose();
    }
}
