// The stress tests start several spinning or yielding threads each; on a 2-core machine two
// such tests side by side would starve each other, so this assembly's tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
