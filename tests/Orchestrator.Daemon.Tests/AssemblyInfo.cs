// Each test here runs a whole engine (several threads); side by side on 2 cores they would
// only slow each other down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
