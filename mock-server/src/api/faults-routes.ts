/** The control API's `/_mock/faults` routes, and the part of reset that clears them. */

import type { ApiFaultCreate } from '@titan-webhooks/sdk/mock';
import { Router } from 'express';
import { accountOf } from './auth.js';
import { ApiError, validationError } from './errors.js';
import { type ApiFaults, MAX_FAULTS_PER_ACCOUNT } from './faults.js';
import type { RequestValidators } from './validation.js';

export function faultsRoutes(faults: ApiFaults, validators: RequestValidators): Router {
  const router = Router();

  router.post('/faults', (req, res) => {
    const details = validators.apiFaultCreate(req.body);
    if (details.length > 0) throw validationError(details, 'request body is invalid');
    const fault = faults.create(accountOf(req).id, req.body as ApiFaultCreate);
    if (!fault) {
      throw validationError(
        [{ path: '', message: `the account already has ${MAX_FAULTS_PER_ACCOUNT} active faults; delete some first` }],
        'too many faults',
      );
    }
    res.status(201).json({ data: fault });
  });

  router.get('/faults', (req, res) => {
    res.json({ data: faults.list(accountOf(req).id) });
  });

  router.delete('/faults/:id', (req, res) => {
    if (!faults.delete(accountOf(req).id, req.params.id)) throw new ApiError('not_found', 'fault not found');
    res.json({ data: { success: true } });
  });

  // Reset clears faults here and hands over to the control routes for the rest of the account.
  router.post('/reset', (req, _res, next) => {
    faults.reset(accountOf(req).id);
    next();
  });

  return router;
}
