import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from './errors';

export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new AppError(404, 'not_found', 'No such page'));
};

/** Answers every error as { error: { code, message, fields? } }; only AppErrors say why. */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  let appError: AppError;
  if (error instanceof AppError) {
    appError = error;
  } else if (error?.type === 'entity.parse.failed') {
    appError = new AppError(400, 'invalid_json', 'The request body is not valid JSON');
  } else if (error?.type === 'entity.too.large') {
    appError = new AppError(413, 'too_large', 'The request body is too large');
  } else {
    req.log?.error({ err: error }, 'unhandled error');
    appError = new AppError(500, 'internal', 'Something went wrong on our side');
  }
  if (appError.status >= 500 && appError.code !== 'internal') req.log?.warn({ code: appError.code }, appError.message);
  res.status(appError.status).json({
    error: { code: appError.code, message: appError.message, ...(appError.fields ? { fields: appError.fields } : {}) },
  });
};
