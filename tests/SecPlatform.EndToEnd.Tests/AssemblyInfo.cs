// The end-to-end tests run real processes against short leases on a small machine: one at a time keeps their
// timing honest (a lease must not run out because another test hogs the CPU).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
